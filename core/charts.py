"""Server-side SVG charts: radar, horizontal bars, columns and lines.

Pure functions from numbers to SVG markup (a SafeString to drop into a template). No JavaScript
and no chart library: the same markup renders in the browser and in WeasyPrint PDFs. Every text
is escaped here; colours are inline attributes so that PDFs need no stylesheet. Documented in
docs/pages.md.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

Number = int | float | Decimal

# The palette, in the order series are usually drawn (enterprise, park, industry, city, ...).
BLUE = "#0b4ea2"
ORANGE = "#d97706"
GREEN = "#15803d"
GREY = "#8792a2"
RED = "#c8102e"
PURPLE = "#7c3aed"
PALETTE = (BLUE, ORANGE, GREEN, GREY, RED, PURPLE)

FONT = "'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif"
AXIS = "#c5ccd6"
LABEL = "#334155"
MUTED = "#5f6b7a"


@dataclass
class Series:
    """One named set of values, drawn in one colour (radar polygons, lines)."""

    name: str
    values: Sequence[Number | None]
    color: str = BLUE
    dashed: bool = False
    fill: bool = True


@dataclass
class Bar:
    """One horizontal bar: a label, a value (None: no data) and an optional note on the right."""

    label: str
    value: Number | None
    color: str = BLUE
    note: str = ""
    emphasis: bool = False


@dataclass
class _Svg:
    width: int
    height: int
    label: str
    parts: list[str] = field(default_factory=list)

    def add(self, markup: str) -> None:
        self.parts.append(markup)

    def render(self) -> SafeString:
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width} {self.height}" '
            f'width="{self.width}" height="{self.height}" role="img" aria-label="{escape(self.label)}" '
            f'font-family="{FONT}" font-size="12">'
            f"<title>{escape(self.label)}</title>"
        )
        return mark_safe(head + "".join(self.parts) + "</svg>")  # every text escaped above


def _f(value: Number | None) -> float | None:
    return None if value is None else float(value)


def _fmt(value: Number | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    number = float(value)
    if number == int(number) and digits <= 1:
        return str(int(number))
    return f"{number:.{digits}f}"


def _text(
    x: float,
    y: float,
    content: str,
    *,
    anchor: str = "middle",
    size: int = 12,
    color: str = LABEL,
    weight: str = "normal",
    baseline: str = "middle",
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" dominant-baseline="{baseline}" '
        f'font-size="{size}" fill="{color}" font-weight="{weight}">{escape(content)}</text>'
    )


def _text_width(text: str, size: int) -> float:
    """A rough width of `text` in pixels: CJK characters are square, Latin ones about half."""
    return sum(size if ord(ch) >= 0x2E80 else size * 0.58 for ch in text)


def radar_chart(
    axes: Sequence[str],
    series: Sequence[Series],
    *,
    max_value: Number = 100,
    size: int = 380,
    rings: int = 4,
    label: str = "",
) -> SafeString:
    """A radar (spider) chart: one axis per label, one polygon per series, scale 0..max_value.

    With fewer than three axes the polygon degenerates; the chart still draws the axes and points.
    """
    n = len(axes)
    radius = size / 2 - 44
    # Wider than tall: the labels beside the left and right axes need room of their own.
    label_room = max([_text_width(name, 13) for name in axes] + [40.0]) + 14
    cx, cy = radius * 1.1 + label_room, size / 2
    width = int(2 * cx)
    svg = _Svg(width, size, label or " / ".join(axes))
    if n == 0:
        return svg.render()
    top = float(max_value) or 1.0

    def point(i: int, fraction: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        return cx + radius * fraction * math.cos(angle), cy + radius * fraction * math.sin(angle)

    for ring in range(1, rings + 1):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, ring / rings) for i in range(n)))
        svg.add(f'<polygon points="{pts}" fill="none" stroke="{AXIS}" stroke-width="1"/>')
        x, y = point(0, ring / rings)
        svg.add(_text(x + 4, y, _fmt(top * ring / rings), anchor="start", size=10, color=MUTED))
    for i, name in enumerate(axes):
        x, y = point(i, 1)
        svg.add(
            f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="{AXIS}" stroke-width="1"/>'
        )
        lx, ly = point(i, 1.1)
        anchor = "middle" if abs(lx - cx) < 8 else ("start" if lx > cx else "end")
        svg.add(_text(lx, ly, name, anchor=anchor, size=13, weight="bold"))
    for s in series:
        values = [min(max((_f(v) or 0.0) / top, 0.0), 1.0) for v in s.values]
        pts = [point(i, v) for i, v in enumerate(values)]
        joined = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
        dash = ' stroke-dasharray="5 4"' if s.dashed else ""
        fill = f'fill="{s.color}" fill-opacity="0.16"' if s.fill else 'fill="none"'
        svg.add(f'<polygon points="{joined}" {fill} stroke="{s.color}" stroke-width="2"{dash}/>')
        for (x, y), raw in zip(pts, s.values, strict=False):
            if raw is not None:
                svg.add(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{s.color}"/>')
    return svg.render()


def bar_chart(
    bars: Sequence[Bar],
    *,
    max_value: Number = 100,
    width: int = 560,
    label_width: int = 150,
    bar_height: int = 22,
    gap: int = 12,
    unit: str = "",
    label: str = "",
    digits: int = 1,
) -> SafeString:
    """Horizontal bars on a common 0..max_value scale, value printed at the end of each bar.

    The labels and the notes get the room their text needs (none is cut); the chart grows wider
    rather than leave the bars less than 200 units.
    """
    label_width = max([label_width] + [int(_text_width(b.label, 12)) + 16 for b in bars])
    note_width = max([0] + [int(_text_width(b.note, 11)) + 12 for b in bars if b.note])
    width = max(width, label_width + note_width + 50 + 200)
    plot = width - label_width - note_width - 50
    height = max(len(bars), 1) * (bar_height + gap) + gap + 16
    svg = _Svg(width, height, label or " / ".join(b.label for b in bars))
    top = float(max_value) or 1.0
    x0 = label_width
    for tick in range(0, 5):
        x = x0 + plot * tick / 4
        svg.add(
            f'<line x1="{x:.1f}" y1="{gap / 2:.1f}" x2="{x:.1f}" y2="{height - 18:.1f}" stroke="#e5e9ef" stroke-width="1"/>'
        )
        svg.add(_text(x, height - 8, _fmt(top * tick / 4), size=10, color=MUTED))
    for i, bar in enumerate(bars):
        y = gap + i * (bar_height + gap)
        svg.add(
            _text(
                x0 - 8,
                y + bar_height / 2,
                bar.label,
                anchor="end",
                size=12,
                weight="bold" if bar.emphasis else "normal",
            )
        )
        value = _f(bar.value)
        if value is None:
            svg.add(_text(x0 + 6, y + bar_height / 2, "—", anchor="start", color=MUTED))
        else:
            w = plot * min(max(value / top, 0.0), 1.0)
            svg.add(
                f'<rect x="{x0}" y="{y}" width="{w:.1f}" height="{bar_height}" rx="3" fill="{bar.color}"/>'
            )
            svg.add(
                _text(
                    x0 + w + 6,
                    y + bar_height / 2,
                    f"{_fmt(value, digits)}{unit}",
                    anchor="start",
                    weight="bold" if bar.emphasis else "normal",
                )
            )
        if bar.note:
            svg.add(
                _text(
                    width - note_width + 4, y + bar_height / 2, bar.note, anchor="start", size=11, color=MUTED
                )
            )
    return svg.render()


def column_chart(
    columns: Sequence[tuple[str, Number | None]],
    *,
    width: int = 480,
    height: int = 240,
    color: str = BLUE,
    max_value: Number | None = None,
    label: str = "",
    digits: int = 0,
) -> SafeString:
    """Vertical columns (counts per category, e.g. the level distribution), value above each."""
    svg = _Svg(width, height, label or " / ".join(c[0] for c in columns))
    n = max(len(columns), 1)
    left, right, top_pad, bottom = 36, 10, 22, 30
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    values = [_f(v) or 0.0 for _, v in columns]
    top = float(max_value) if max_value else max([*values, 1.0])
    for tick in range(0, 5):
        y = top_pad + plot_h - plot_h * tick / 4
        svg.add(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#e5e9ef" stroke-width="1"/>'
        )
        svg.add(_text(left - 6, y, _fmt(top * tick / 4, digits), anchor="end", size=10, color=MUTED))
    slot = plot_w / n
    bar_w = min(slot * 0.6, 60)
    for i, (name, raw) in enumerate(columns):
        value = _f(raw) or 0.0
        h = plot_h * min(value / top, 1.0) if top else 0
        x = left + slot * i + (slot - bar_w) / 2
        y = top_pad + plot_h - h
        svg.add(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" rx="2" fill="{color}"/>')
        svg.add(_text(x + bar_w / 2, y - 9, _fmt(raw, digits), size=11, weight="bold"))
        svg.add(_text(x + bar_w / 2, height - bottom / 2, name, size=11))
    return svg.render()


def line_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    width: int = 560,
    height: int = 240,
    max_value: Number | None = 100,
    min_value: Number = 0,
    label: str = "",
    digits: int = 1,
    target: Number | None = None,
    target_label: str = "",
) -> SafeString:
    """Lines over labelled points (history, quarterly trend); None values leave gaps.

    `target` draws a dashed horizontal line (a goal) labelled `target_label`.
    """
    svg = _Svg(width, height, label or " / ".join(s.name for s in series))
    left, right, top_pad, bottom = 44, 34, 22, 34
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    all_values = [_f(v) for s in series for v in s.values if v is not None]
    if target is not None:
        all_values.append(float(target))
    high = float(max_value) if max_value is not None else max([*all_values, 1.0]) * 1.1
    low = float(min_value)
    span = (high - low) or 1.0
    n = len(labels)

    def xy(i: int, value: float) -> tuple[float, float]:
        x = left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)
        return x, top_pad + plot_h - plot_h * (min(max(value, low), high) - low) / span

    for tick in range(0, 5):
        y = top_pad + plot_h - plot_h * tick / 4
        svg.add(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#e5e9ef" stroke-width="1"/>'
        )
        svg.add(_text(left - 6, y, _fmt(low + span * tick / 4, 0), anchor="end", size=10, color=MUTED))
    step = max(1, math.ceil(n / 8))  # at most ~8 labels on the axis
    for i, name in enumerate(labels):
        if i % step == 0 or i == n - 1:
            x, _ = xy(i, low)
            svg.add(_text(x, height - bottom / 2 + 2, name, size=10, color=MUTED))
    if target is not None:
        _, y = xy(0, float(target))
        svg.add(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{RED}" stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
        if target_label:
            svg.add(_text(width - right, y - 8, target_label, anchor="end", size=10, color=RED))
    for s in series:
        segment: list[str] = []
        segments: list[list[str]] = []
        for i, raw in enumerate(s.values):
            if raw is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            x, y = xy(i, float(raw))
            segment.append(f"{x:.1f},{y:.1f}")
        if segment:
            segments.append(segment)
        dash = ' stroke-dasharray="5 4"' if s.dashed else ""
        for seg in segments:
            if len(seg) > 1:
                svg.add(
                    f'<polyline points="{" ".join(seg)}" fill="none" stroke="{s.color}" stroke-width="2.5"{dash}/>'
                )
        for i, raw in enumerate(s.values):
            if raw is not None:
                x, y = xy(i, float(raw))
                svg.add(
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="#fff" stroke="{s.color}" stroke-width="2"/>'
                )
                if len(series) == 1:
                    svg.add(_text(x, y - 12, _fmt(raw, digits), size=10, weight="bold"))
    return svg.render()


def legend(series: Sequence[Series | Bar]) -> SafeString:
    """An HTML legend (class `chart-legend`) for the series of a chart."""
    items = "".join(
        format_html(
            '<span><i style="background:{}"></i>{}</span>', s.color, getattr(s, "name", None) or s.label
        )
        for s in series
    )
    return mark_safe(f'<div class="chart-legend">{items}</div>')  # format_html escaped each item
