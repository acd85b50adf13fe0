"""Broadband figures shared by the notebook and the dashboard (no Panel here).

* :class:`CoverageMap` — a Bokeh commune map built **once** (polygons projected to Web
  Mercator by :func:`~smartidf_analysis.plots.maps.mercator_paths`); changing the quarter or
  the indicator only replaces the value columns of its data source and the colour scale,
  so a redraw costs milliseconds of server time instead of the ~2 s a HoloViews choropleth
  of 1,266 polygons takes to re-render (see ``benchmarks/bench_broadband.py``). Missing
  values are grey ("no data", the reason in the hover), never the colour of 0 %.
* HoloViews charts: department series to 2024 (:func:`department_series_chart`), zoning
  (:func:`zoning_chart`), one commune's quarters and projection (:func:`commune_chart`),
  the backtest (:func:`backtest_chart`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import holoviews as hv
import numpy as np
import pandas as pd
from bokeh.models import (
    ColorBar,
    ColumnDataSource,
    FixedTicker,
    HoverTool,
    LinearColorMapper,
    TapTool,
)
from bokeh.palettes import RdBu11, Viridis256
from bokeh.plotting import figure

from .maps import mercator_paths

NO_DATA_COLOR = "#d9d9d9"
ABOVE_100_COLOR = "#c51b8a"  # rates above 100 % (ARCEP denominator artefact)
CLASS_COLORS = ("#f7fbff", "#c6dbef", "#6baed6", "#3182bd", "#08519c", "#08306b")
CLASS_LABELS = ("0", "< 10 %", "10–25 %", "25–50 %", "50–80 %", "≥ 80 %")
ZONE_COLORS = {"very_dense": "#08519c", "l3313_commitment": "#3182bd",
               "private_intention": "#9ecae1", "public_initiative": "#fd8d3c"}


@dataclass(frozen=True)
class ColorScale:
    """A colour scale: palette from ``low`` to ``high``; values above ``high`` take
    ``high_color`` (default: the last colour); ``ticks`` labels fixed positions."""

    palette: Sequence[str]
    low: float
    high: float
    high_color: str | None = None
    low_color: str | None = None
    ticks: dict[float, str] = field(default_factory=dict)


def rate_scale() -> ColorScale:
    """Coverage rate [fraction] 0–1; above 1 in :data:`ABOVE_100_COLOR`."""
    return ColorScale(Viridis256, 0.0, 1.0, high_color=ABOVE_100_COLOR,
                      ticks={0.0: "0 %", 0.25: "25 %", 0.5: "50 %", 0.75: "75 %", 1.0: "100 %"})


def class_scale() -> ColorScale:
    """ARCEP class as its position 0–5 in (0, 5, 10, 25, 50, 80)."""
    return ColorScale(CLASS_COLORS, -0.5, 5.5, ticks=dict(enumerate(CLASS_LABELS)))


def count_scale(high: float) -> ColorScale:
    """Counts from 0 to ``high`` (e.g. a high percentile, fixed across quarters)."""
    return ColorScale(Viridis256, 0.0, max(float(high), 1.0))


def growth_scale(bound: float) -> ColorScale:
    """Diverging scale for growth in rate points, symmetric in ``±bound``."""
    bound = max(float(bound), 1e-6)
    return ColorScale(tuple(reversed(RdBu11)), -bound, bound)


def _multipolygon(path: dict) -> list:
    """mercator_paths item -> Bokeh multi_polygons nesting for one commune."""
    x, y, holes = path["x"], path["y"], path["holes"]
    breaks = np.flatnonzero(np.isnan(x))
    starts = np.r_[0, breaks + 1]
    stops = np.r_[breaks, len(x)]
    xs, ys = [], []
    for part, (a, b) in enumerate(zip(starts, stops, strict=True)):
        rings_x, rings_y = [x[a:b]], [y[a:b]]
        for hole in holes[part] if part < len(holes) else []:
            rings_x.append(hole[:, 0])
            rings_y.append(hole[:, 1])
        xs.append(rings_x)
        ys.append(rings_y)
    return [xs, ys]


class CoverageMap:
    """A commune map whose colours are updated in place.

    ``geometry``: ``commune_code``, ``commune_name``, ``geometry_wkb`` (WGS84). ``codes``
    gives the row order that :meth:`update` expects.
    """

    def __init__(self, geometry: pd.DataFrame, *, height: int = 560, tolerance: float = 0.0003,
                 value_label: str = "value"):
        geometry = geometry[geometry["geometry_wkb"].notna()].reset_index(drop=True)
        self.codes = geometry["commune_code"].astype(str).tolist()
        paths = mercator_paths(self.codes, geometry["geometry_wkb"].tolist(), tolerance)
        polys = [_multipolygon(p) for p in paths]
        n = len(self.codes)
        self.source = ColumnDataSource({
            "xs": [p[0] for p in polys], "ys": [p[1] for p in polys],
            "commune_code": self.codes, "commune_name": geometry["commune_name"].tolist(),
            "value": np.full(n, np.nan), "display": [""] * n})
        self.mapper = LinearColorMapper(palette=list(Viridis256), low=0, high=1,
                                        nan_color=NO_DATA_COLOR)
        self.figure = figure(height=height, sizing_mode="stretch_width", match_aspect=True,
                             tools="pan,wheel_zoom,reset,save", active_scroll="wheel_zoom",
                             toolbar_location="above", x_axis_type=None, y_axis_type=None)
        self.figure.grid.visible = False
        self.figure.outline_line_color = None
        renderer = self.figure.multi_polygons(
            "xs", "ys", source=self.source, line_color="white", line_width=0.3,
            fill_color={"field": "value", "transform": self.mapper},
            selection_line_color="black", selection_line_width=2,
            nonselection_fill_alpha=0.75, nonselection_line_alpha=0.6)
        self.hover = HoverTool(renderers=[renderer], tooltips=[
            ("", "@commune_name (@commune_code)"), (value_label, "@display")])
        self.figure.add_tools(self.hover, TapTool(renderers=[renderer]))
        self.ticker = FixedTicker(ticks=[])  # one ticker, updated in place (a new model
        # would make Bokeh recompute every reference of the document: ~0.2 s per redraw)
        self.colorbar = ColorBar(color_mapper=self.mapper, width=12, location=(0, 0),
                                 ticker=self.ticker, major_label_text_font_size="11px")
        self.figure.add_layout(self.colorbar, "right")

    def update(self, values: Sequence[float], display: Sequence[str], scale: ColorScale,
               title: str = "", value_label: str | None = None) -> None:
        """New values (in :attr:`codes` order), hover texts, colour scale and title."""
        self.source.data.update(value=np.asarray(values, dtype=float), display=list(display))
        palette = list(scale.palette)
        self.mapper.update(palette=palette, low=scale.low, high=scale.high,
                           high_color=scale.high_color or palette[-1],
                           low_color=scale.low_color or palette[0])
        ticks = scale.ticks or {float(t): f"{t:,.3g}"
                                for t in np.linspace(scale.low, scale.high, 5)}
        self.ticker.ticks = [float(t) for t in ticks]
        self.colorbar.major_label_overrides = {float(k): v for k, v in ticks.items()}
        self.figure.title.text = title
        if value_label is not None:
            self.hover.tooltips = [("", "@commune_name (@commune_code)"), (value_label, "@display")]

    def select(self, commune_code: str | None) -> None:
        """Highlight one commune (or none)."""
        indices = [self.codes.index(commune_code)] if commune_code in self.codes else []
        self.source.selected.indices = indices

    def on_select(self, callback: Callable[[str], None]) -> None:
        """Call ``callback(commune_code)`` when a commune is tapped."""
        def _changed(attr, old, new):
            if new:
                callback(self.codes[new[0]])

        self.source.selected.on_change("indices", _changed)


# ------------------------------------------------------------------------ HoloViews charts
def _dates(quarters: pd.Series) -> pd.Series:
    return pd.PeriodIndex(pd.Series(quarters).str.replace("Q", "-Q"), freq="Q").end_time.normalize()


def department_series_chart(trajectory: pd.DataFrame, zones: Sequence[str], *,
                            names: dict[str, str] | None = None, projected: pd.DataFrame | None = None,
                            title: str = "", ylabel: str = "%", height: int = 380):
    """Preferred Baromètre values (end 2017 – mid 2024) as lines per zone, the commune-file
    rates (2017Q3–2018Q1) as dots and, if given, the projected rates at the checkpoints
    (``projected``: ``zone_code``, ``quarter``, ``projected_pct``) as crosses."""
    names = names or {}
    layers = []
    colors = hv.Cycle("Category10").values
    for i, zone in enumerate(zones):
        color = colors[i % len(colors)]
        label = names.get(zone, zone)
        t = trajectory[(trajectory["zone_code"] == zone)]
        bar = t[t["preferred"] & (t["source"] != "arcep_ftth_communes")]
        com = t[t["source"] == "arcep_ftth_communes"]
        layers.append(hv.Curve((_dates(bar["quarter"]), bar["coverage_pct"]), "date", ylabel,
                               label=label).opts(color=color, line_width=2))
        layers.append(hv.Scatter((_dates(com["quarter"]), com["coverage_pct"]), "date",
                                 ylabel).opts(color=color, size=7))
        if projected is not None:
            p = projected[projected["zone_code"] == zone]
            layers.append(hv.Scatter((_dates(p["quarter"]), p["projected_pct"]), "date",
                                     ylabel).opts(color=color, marker="x", size=11))
    targets = [hv.VLine(pd.Timestamp(d)).opts(color="grey", line_dash="dashed", line_width=1)
               for d in ("2021-12-31", "2023-12-31")]
    return hv.Overlay(layers + targets).opts(
        title=title, height=height, responsive=True, ylim=(0, 105), legend_position="right",
        legend_limit=100, show_grid=True, toolbar="above", xlabel="",
        xlim=(pd.Timestamp("2017-06-01"), pd.Timestamp("2024-10-31")))


def zoning_chart(zoning: pd.DataFrame, labels: dict[str, str], *, title: str = "",
                 ylabel: str = "%", height: int = 320):
    """Coverage rate [%] per ARCEP zone (bars) for each quarter."""
    d = zoning.assign(zone_label=zoning["zone"].map(labels).fillna(zoning["zone"]),
                      rate_pct=100 * zoning["coverage_rate"])
    return hv.Bars(d, ["zone_label", "quarter"], hv.Dimension("rate_pct", label=ylabel)).opts(
        title=title, height=height, responsive=True, multi_level=True, xrotation=0,
        tools=["hover"], show_legend=False, color="quarter",
        cmap=["#9ecae1", "#4292c6", "#08519c"], ylim=(0, 100), xlabel="")


def commune_chart(series: pd.DataFrame, *, title: str = "", observed: str = "observed",
                  projected: str = "projected", ylabel: str = "%", target: str | None = None,
                  height: int = 300):
    """One commune: observed rates [%] as a line with dots, the projected path dashed and
    the slow–fast range shaded (``series`` from ``broadband_indicators.commune_series``)."""
    obs = series[series["kind"] == "observed"]
    fut = series[series["kind"] == "projected"]
    layers = [hv.Curve((_dates(obs["quarter"]), 100 * obs["coverage_rate"]), "date", ylabel,
                       label=observed).opts(color="#1f5c99", line_width=2),
              hv.Scatter((_dates(obs["quarter"]), 100 * obs["coverage_rate"]), "date",
                         ylabel).opts(color="#1f5c99", size=7)]
    if len(fut):
        dates = _dates(fut["quarter"])
        layers.insert(0, hv.Area((dates, 100 * fut["rate_slow"], 100 * fut["rate_fast"]),
                                 "date", [ylabel, "high"]).opts(color="#fdae6b", alpha=0.35,
                                                                line_alpha=0))
        layers.append(hv.Curve((dates, 100 * fut["coverage_rate"]), "date", ylabel,
                               label=projected).opts(color="#e6550d", line_dash="dashed"))
    if target:
        layers.append(hv.VLine(_dates(pd.Series([target]))[0]).opts(color="grey",
                                                                    line_dash="dotted"))
    return hv.Overlay(layers).opts(title=title, height=height, responsive=True, ylim=(0, 105),
                                   legend_position="bottom_right", show_grid=True, xlabel="")


def backtest_chart(backtest: pd.DataFrame, quarter: str, *, names: dict[str, str] | None = None,
                   title: str = "", height: int = 340):
    """Projected vs actual rate [%] per zone at one checkpoint (grouped bars)."""
    d = backtest[backtest["quarter"] == quarter]
    names = names or {}
    zone = d["zone_code"].map(lambda z: names.get(z, z))
    long = pd.concat([
        pd.DataFrame({"zone": zone, "series": "projected (2017-18 pace)", "pct": d["projected_pct"]}),
        pd.DataFrame({"zone": zone, "series": "actual (Baromètre)", "pct": d["actual_pct"]})])
    return hv.Bars(long, ["zone", "series"], "pct").opts(
        title=title, height=height, responsive=True, multi_level=False, color="series",
        cmap=["#1f5c99", "#fdae6b"], ylim=(0, 105), tools=["hover"], xrotation=30, xlabel="",
        legend_position="bottom_right", show_legend=True)


def values_for_map(frame: pd.DataFrame, codes: Sequence[str], column: str) -> np.ndarray:
    """``frame[column]`` aligned on ``codes`` (``frame`` has ``commune_code``); NaN where absent."""
    return frame.set_index("commune_code")[column].reindex(codes).to_numpy(dtype=float)
