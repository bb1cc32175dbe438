"""The portrait's two charts as plain SVG, for the printed version: a PDF runs no script,
so the page's ECharts drawing cannot be used there. Values come from
``rankings.portrait``; nothing here reads the database."""

from __future__ import annotations

import math
from html import escape


def radar_svg(radar: list[dict], *, size: int = 260) -> str:
    """A six-sided radar: grid rings at 25/50/75/100 and the organization's shape, each
    axis labelled with its dimension and share."""
    if not radar:
        return ""
    centre, radius = size / 2, size / 2 - 46
    count = len(radar)

    def point(index: int, share: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / count
        return (
            centre + radius * share / 100 * math.cos(angle),
            centre + radius * share / 100 * math.sin(angle),
        )

    def polygon(shares: list[float], attrs: str) -> str:
        points = " ".join(
            f"{x:.1f},{y:.1f}" for x, y in (point(i, s) for i, s in enumerate(shares))
        )
        return f'<polygon points="{points}" {attrs}/>'

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}" role="img">'
    ]
    for ring in (25, 50, 75, 100):
        parts.append(polygon([ring] * count, 'fill="none" stroke="#ccc" stroke-width="0.8"'))
    for index in range(count):
        x, y = point(index, 100)
        parts.append(
            f'<line x1="{centre:.1f}" y1="{centre:.1f}" x2="{x:.1f}" y2="{y:.1f}" '
            'stroke="#ddd" stroke-width="0.8"/>'
        )
    parts.append(
        polygon(
            [axis["value"] for axis in radar],
            'fill="#b71c1c" fill-opacity="0.25" stroke="#b71c1c" stroke-width="1.5"',
        )
    )
    for index, axis in enumerate(radar):
        x, y = point(index, 122)
        parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" font-size="11" text-anchor="middle" '
            f'dominant-baseline="middle">{escape(axis["label"])} {axis["value"]}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def rank_line_svg(history: list[dict], *, width: int = 480, height: int = 160) -> str:
    """Rank by month, the best (1) at the top."""
    if len(history) < 2:
        return ""
    left, right, top, bottom = 36, 12, 12, 28
    worst = max(row["rank"] for row in history)
    span = max(worst - 1, 1)
    step = (width - left - right) / (len(history) - 1)

    def y(rank: int) -> float:
        return top + (rank - 1) / span * (height - top - bottom)

    points = " ".join(
        f"{left + i * step:.1f},{y(row['rank']):.1f}" for i, row in enumerate(history)
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img">',
        f'<text x="4" y="{y(1) + 4:.1f}" font-size="10">1</text>',
        f'<text x="4" y="{y(worst) + 4:.1f}" font-size="10">{worst}</text>',
        f'<polyline points="{points}" fill="none" stroke="#b71c1c" stroke-width="1.5"/>',
    ]
    for index in (0, len(history) - 1):
        parts.append(
            f'<text x="{left + index * step:.1f}" y="{height - 8}" font-size="10" '
            f'text-anchor="middle">{escape(history[index]["period"])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
