"""The SVG chart functions (config/charts.py): geometry computed by hand, escaping, gaps."""

from __future__ import annotations

import re
from decimal import Decimal
from xml.etree import ElementTree

from core import charts


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # well-formed XML, or this raises


def test_radar_points_on_the_scale():
    # size 380: radius = 190 - 44 = 146, centre y = 190; short labels -> label room 40 + 14 = 54,
    # centre x = 146 * 1.1 + 54 = 214.6. Axis 0 points up: 50 of 100 is at y = 190 - 73 = 117.
    svg = charts.radar_chart(["A", "B", "C", "D"], [charts.Series("s", [50, 100, 0, Decimal("25")])])
    polygons = re.findall(r'<polygon points="([^"]+)" fill="#0b4ea2"', svg)
    assert len(polygons) == 1
    points = [tuple(map(float, p.split(","))) for p in polygons[0].split()]
    assert points[0] == (214.6, 117.0)
    assert points[1] == (214.6 + 146, 190.0)  # axis 1 points right, full scale
    assert points[2] == (214.6, 190.0)  # zero sits at the centre
    assert points[3] == (214.6 - 36.5, 190.0)  # axis 3 points left, a quarter of the radius
    assert parse(svg).get("viewBox") == "0 0 429 380"


def test_texts_are_escaped():
    svg = charts.bar_chart([charts.Bar("<b>&", 10)], label='"x"')
    assert "<b>" not in svg and "&lt;b&gt;&amp;" in svg
    parse(svg)


def test_bar_without_value_shows_a_dash_and_no_bar():
    svg = charts.bar_chart([charts.Bar("园区平均", None), charts.Bar("本企业", 50, emphasis=True)])
    assert svg.count("<rect") == 1
    assert "—" in svg
    # width 560, label 150, no notes: plot = 560 - 150 - 0 - 50 = 360; 50 of 100 -> 180 wide.
    assert 'width="180.0"' in svg


def test_line_chart_leaves_gaps_for_missing_values():
    svg = charts.line_chart(["Q1", "Q2", "Q3", "Q4"], [charts.Series("s", [10, None, 30, 40])])
    assert svg.count("<polyline") == 1  # only Q3-Q4 join; Q1 stands alone
    assert svg.count("<circle") == 3
    parse(svg)


def test_column_chart_scales_to_the_largest_count():
    svg = charts.column_chart([("0", 1), ("1", 4), ("2", 2)], height=240)
    heights = [float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)"', svg)]
    # plot height = 240 - 22 - 30 = 188; the largest (4) fills it, 2 fills half, 1 a quarter.
    assert heights == [47.0, 188.0, 94.0]


def test_legend_names_each_series():
    html = charts.legend(
        [charts.Series("本企业", [], charts.BLUE), charts.Series("全市平均", [], charts.GREY)]
    )
    assert "本企业" in html and "全市平均" in html and charts.GREY in html
