"""Static SVG charts of the territory profile (no script: they print and read offline): the
fibre trajectory of a territory, its projection to the target with the slow–fast range,
and its department's series to 2024."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from smartidf_analysis.apps.i18n import tr
from smartidf_analysis.broadband.projection import quarter_index

WIDTH, HEIGHT = 640, 250  # [px]
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 12, 26  # [px] margins
COLOURS = {"territory_observed": "#a4161a", "territory_projected": "#e4572e",
           "department": "#1f6fb2"}


def _esc(value) -> str:
    return html.escape(str(value), quote=True)


def trajectory_svg(trajectory: pd.DataFrame, lang: str) -> str:
    """The trajectory frame of
    :func:`~smartidf_analysis.reporting.territory.theme_fibre.fibre_trajectory` as an SVG
    line chart: FttH rate [%] against quarters; "" when it is empty.

    Parameters
    ----------
    trajectory : pandas.DataFrame
        The frame of :func:`~smartidf_analysis.reporting.territory.theme_fibre.fibre_trajectory`
        (``series``, ``quarter``, ``rate_pct`` [%], ``rate_slow_pct``, ``rate_fast_pct`` [%];
        ``attrs["target"]``).
    lang : str
        Language of the legend and labels (``"fr"`` or ``"en"``).

    Returns
    -------
    str
        An ``<svg>`` element of ``WIDTH`` × ``HEIGHT`` [px], or "".
    """
    if trajectory.empty:
        return ""
    x = quarter_index(trajectory["quarter"])
    target = quarter_index([trajectory.attrs.get("target", "")])[0]
    x0, x1 = np.nanmin(x), np.nanmax(np.r_[x, target])
    span = max(x1 - x0, 1.0)

    def px(q):
        return LEFT + (np.asarray(q, float) - x0) / span * (WIDTH - LEFT - RIGHT)

    def py(rate):
        return TOP + (1 - np.clip(np.asarray(rate, float), 0, 100) / 100) * (HEIGHT - TOP - BOTTOM)

    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' class='fibre-trajectory' width='{WIDTH}' "
             f"height='{HEIGHT}' viewBox='0 0 {WIDTH} {HEIGHT}' font-size='9' "
             "font-family='DejaVu Sans,Arial,sans-serif'>"]
    for rate in (0, 25, 50, 75, 100):
        y = py(rate)
        parts.append(f"<line x1='{LEFT}' x2='{WIDTH - RIGHT}' y1='{y:.1f}' y2='{y:.1f}' "
                     f"stroke='#ddd'/><text x='{LEFT - 4}' y='{y + 3:.1f}' text-anchor='end'>"
                     f"{rate} %</text>")
    for year in range(int(x0 // 4), int(x1 // 4) + 1):
        q = year * 4
        if x0 <= q <= x1:
            parts.append(f"<text x='{px(q):.1f}' y='{HEIGHT - 8}' text-anchor='middle'>{year}</text>")
    if np.isfinite(target):
        t = px(target)
        parts.append(f"<line x1='{t:.1f}' x2='{t:.1f}' y1='{TOP}' y2='{HEIGHT - BOTTOM}' "
                     "stroke='#555' stroke-dasharray='3,3'/>"
                     f"<text x='{t - 3:.1f}' y='{TOP + 9}' text-anchor='end'>"
                     f"{_esc(tr('fibre_target', lang))} {_esc(trajectory.attrs['target'])}</text>")
    observed = trajectory[trajectory["series"] == "territory_observed"]
    projected = trajectory[trajectory["series"] == "territory_projected"]
    if len(projected) and len(observed):  # start the projection at the last observation
        last = observed.iloc[[-1]].assign(rate_slow_pct=observed["rate_pct"].iloc[-1],
                                          rate_fast_pct=observed["rate_pct"].iloc[-1])
        projected = pd.concat([last, projected], ignore_index=True)
        xs = px(quarter_index(projected["quarter"]))
        upper = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(xs, py(projected["rate_fast_pct"]),
                                                             strict=True))
        lower = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(xs[::-1],
                                                             py(projected["rate_slow_pct"])[::-1],
                                                             strict=True))
        parts.append(f"<polygon points='{upper} {lower}' fill='#e4572e' fill-opacity='0.18'/>")
    for series, frame, dash in (("department", trajectory[trajectory["series"] == "department"], ""),
                                ("territory_projected", projected, "5,3"),
                                ("territory_observed", observed, "")):
        if frame.empty:
            continue
        xs, ys = px(quarter_index(frame["quarter"])), py(frame["rate_pct"])
        points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(xs, ys, strict=True) if np.isfinite(b))
        parts.append(f"<polyline points='{points}' fill='none' stroke='{COLOURS[series]}' "
                     f"stroke-width='1.8' stroke-dasharray='{dash}'/>")
        if series != "territory_projected":
            parts.extend(f"<circle cx='{a:.1f}' cy='{b:.1f}' r='2' fill='{COLOURS[series]}'/>"
                         for a, b in zip(xs, ys, strict=True) if np.isfinite(b))
    for i, series in enumerate(("territory_observed", "territory_projected", "department")):
        y = TOP + 8 + 12 * i
        parts.append(f"<line x1='{LEFT + 8}' x2='{LEFT + 26}' y1='{y}' y2='{y}' "
                     f"stroke='{COLOURS[series]}' stroke-width='2'/>"
                     f"<text x='{LEFT + 30}' y='{y + 3}'>{_esc(tr('series_' + series, lang))}</text>")
    parts.append("</svg>")
    return "".join(parts)
