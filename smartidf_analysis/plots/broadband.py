"""Broadband figures shared by the notebooks and the page (no Panel here).

* The coverage map: :func:`coverage_map` (a
  :class:`~smartidf_analysis.plots.polygon_map.PolygonMap`, built once) recoloured in place by
  :func:`show_coverage` with a scale of :func:`coverage_scales` (:func:`rate_scale`,
  :func:`class_scale`, :func:`count_scale`, :func:`growth_scale`). Missing values are grey
  ("no data", the reason in the hover), never the colour of 0 %.
* HoloViews charts: department series to 2024 (:func:`department_series_chart`), zoning
  (:func:`zoning_chart`), one commune's quarters and projection (:func:`commune_chart`),
  the backtest (:func:`backtest_chart`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import holoviews as hv
import numpy as np
import pandas as pd
from bokeh.palettes import RdBu11, Viridis256

from smartidf_analysis.broadband.indicators import map_values

from .polygon_map import NO_DATA_COLOR, ColorScale, PolygonMap

__all__ = ["NO_DATA_COLOR", "ColorScale", "coverage_map", "show_coverage", "coverage_scales",
           "coverage_texts", "rate_scale", "class_scale", "count_scale", "growth_scale",
           "department_series_chart", "zoning_chart", "commune_chart", "backtest_chart"]
ABOVE_100_COLOR = "#c51b8a"  # rates above 100 % (ARCEP denominator artefact)
CLASS_COLORS = ("#f7fbff", "#c6dbef", "#6baed6", "#3182bd", "#08519c", "#08306b")
CLASS_LABELS = ("0", "< 10 %", "10–25 %", "25–50 %", "50–80 %", "≥ 80 %")


def rate_scale() -> ColorScale:
    """Coverage rate [fraction] 0–1; above 1 in ``ABOVE_100_COLOR``.

    Returns
    -------
    ColorScale
        The scale.
    """
    return ColorScale(Viridis256, 0.0, 1.0, high_color=ABOVE_100_COLOR,
                      ticks={0.0: "0 %", 0.25: "25 %", 0.5: "50 %", 0.75: "75 %", 1.0: "100 %"})


def class_scale() -> ColorScale:
    """ARCEP class as its position 0–5 in (0, 5, 10, 25, 50, 80).

    Returns
    -------
    ColorScale
        The scale.
    """
    return ColorScale(CLASS_COLORS, -0.5, 5.5, ticks=dict(enumerate(CLASS_LABELS)))


def count_scale(high: float) -> ColorScale:
    """Counts from 0 to ``high`` (e.g. a high percentile, fixed across quarters).

    Parameters
    ----------
    high : float
        Top of the scale [count] (at least 1).

    Returns
    -------
    ColorScale
        The scale.
    """
    return ColorScale(Viridis256, 0.0, max(float(high), 1.0))


def growth_scale(bound: float) -> ColorScale:
    """Diverging scale for growth in rate points, symmetric in ``±bound``.

    Parameters
    ----------
    bound : float
        Half-width of the scale [rate points].

    Returns
    -------
    ColorScale
        The scale.
    """
    bound = max(float(bound), 1e-6)
    return ColorScale(tuple(reversed(RdBu11)), -bound, bound)


# ------------------------------------------------------------------------ HoloViews charts
def _dates(quarters: pd.Series) -> pd.Series:
    return pd.PeriodIndex(pd.Series(quarters).str.replace("Q", "-Q"), freq="Q").end_time.normalize()


def department_series_chart(trajectory: pd.DataFrame, zones: Sequence[str], *,
                            names: dict[str, str] | None = None, projected: pd.DataFrame | None = None,
                            title: str = "", ylabel: str = "%", height: int = 380):
    """Preferred Baromètre values (end 2017 – mid 2024) as lines per zone, the commune-file
    rates (2017Q3–2018Q1) as dots and, if given, the projected rates at the checkpoints
    (``projected``: ``zone_code``, ``quarter``, ``projected_pct``) as crosses.

    One ``Curve`` per zone (the legend), but all the dots in one ``Scatter`` and all the
    crosses in another, coloured by zone, and both target dates in one ``VLines``: HoloViews
    renders each element of an overlay as its own subplot (about 14 ms each), so 9 zones
    cost 12 elements instead of 29 (the page opens and the department changes that much
    faster).

    Parameters
    ----------
    trajectory : DataFrame
        ``zone_code``, ``quarter`` ("2018Q1"), ``source``, ``preferred`` (bool),
        ``coverage_pct`` [%].
    zones : sequence of str
        Zone codes drawn, in legend order.
    names : dict of str to str, optional
        Zone code -> label.
    projected : DataFrame, optional
        ``zone_code``, ``quarter``, ``projected_pct`` [%].
    title, ylabel : str
        Title and y-axis label.
    height : int
        Height [px].

    Returns
    -------
    holoviews.Overlay
        The chart.
    """
    names = names or {}
    colors = hv.Cycle("Category10").values
    zone_colors = {names.get(z, z): colors[i % len(colors)] for i, z in enumerate(zones)}
    layers, dots, crosses = [], [], []
    for zone in zones:
        label = names.get(zone, zone)
        t = trajectory[(trajectory["zone_code"] == zone)]
        bar = t[t["preferred"] & (t["source"] != "arcep_ftth_communes")]
        com = t[t["source"] == "arcep_ftth_communes"]
        layers.append(hv.Curve((_dates(bar["quarter"]), bar["coverage_pct"]), "date", ylabel,
                               label=label).opts(color=zone_colors[label], line_width=2))
        dots.append(pd.DataFrame({"date": _dates(com["quarter"]).to_numpy(),
                                  ylabel: com["coverage_pct"].to_numpy(), "zone": label}))
        if projected is not None:
            p = projected[projected["zone_code"] == zone]
            crosses.append(pd.DataFrame({"date": _dates(p["quarter"]).to_numpy(),
                                         ylabel: p["projected_pct"].to_numpy(), "zone": label}))
    for frames, style in ((dots, {"size": 7}), (crosses, {"marker": "x", "size": 11})):
        if frames:
            points = pd.concat(frames, ignore_index=True)
            layers.append(hv.Scatter(points, "date", [ylabel, "zone"]).opts(
                color="zone", cmap=zone_colors, show_legend=False, **style))
    layers.append(hv.VLines([pd.Timestamp("2021-12-31"), pd.Timestamp("2023-12-31")]).opts(
        color="grey", line_dash="dashed", line_width=1))
    return hv.Overlay(layers).opts(
        title=title, height=height, responsive=True, ylim=(0, 105), legend_position="right",
        legend_limit=100, show_grid=True, toolbar="above", xlabel="",
        xlim=(pd.Timestamp("2017-06-01"), pd.Timestamp("2024-10-31")))


def zoning_chart(zoning: pd.DataFrame, labels: dict[str, str], *, title: str = "",
                 ylabel: str = "%", height: int = 320):
    """Coverage rate [%] per ARCEP zone (bars) for each quarter.

    Parameters
    ----------
    zoning : DataFrame
        ``zone``, ``quarter``, ``coverage_rate`` [0-1].
    labels : dict of str to str
        Zone -> label.
    title, ylabel : str
        Title and y-axis label.
    height : int
        Height [px].

    Returns
    -------
    holoviews.Bars
        The chart.
    """
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
    the slow–fast range shaded (``series`` from ``broadband_indicators.commune_series``).

    Parameters
    ----------
    series : DataFrame
        ``kind`` ("observed" or "projected"), ``quarter``, ``coverage_rate`` [0-1] and, for
        projected rows, ``rate_slow`` and ``rate_fast`` [0-1].
    title, ylabel : str
        Title and y-axis label.
    observed, projected : str
        Legend labels.
    target : str, optional
        A quarter ("2022Q4") marked with a dotted line.
    height : int
        Height [px].

    Returns
    -------
    holoviews.Overlay
        The chart.
    """
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
    """Projected vs actual rate [%] per zone at one checkpoint (grouped bars).

    Parameters
    ----------
    backtest : DataFrame
        ``zone_code``, ``quarter``, ``projected_pct`` and ``actual_pct`` [%].
    quarter : str
        The checkpoint shown.
    names : dict of str to str, optional
        Zone code -> label.
    title : str
        Title.
    height : int
        Height [px].

    Returns
    -------
    holoviews.Bars
        The chart.
    """
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


# --------------------------------------------------------------------------- the map
def coverage_map(geometry: pd.DataFrame, *, value_label: str = "value",
                 height: int = 560) -> PolygonMap:
    """The commune map of fibre coverage, values empty until :func:`show_coverage`.

    Parameters
    ----------
    geometry : DataFrame
        ``commune_code``, ``commune_name``, ``geometry_wkb`` (WGS84; named query
        ``broadband_map``).
    value_label : str
        Hover label of the value.
    height : int
        Height [px].

    Returns
    -------
    PolygonMap
        The map (outlines simplified to about 30 m).
    """
    return PolygonMap(geometry, height=height, value_label=value_label)


def coverage_scales(coverage: pd.DataFrame) -> dict[str, ColorScale]:
    """The colour scale of each map indicator, fixed across quarters: rate 0–100 %, ARCEP
    class, connectable premises up to the 95th percentile, growth ± its 95th percentile.

    Parameters
    ----------
    coverage : DataFrame
        ``Indicators.coverage`` (every quarter): ``connectable_premises`` [count],
        ``growth_points`` [fraction points].

    Returns
    -------
    dict of str to ColorScale
        Indicator (``rate``, ``class``, ``premises``, ``growth``) -> scale.
    """
    growth = coverage["growth_points"].abs().quantile(0.95)
    return {"rate": rate_scale(), "class": class_scale(),
            "premises": count_scale(coverage["connectable_premises"].quantile(0.95)),
            "growth": growth_scale(growth if np.isfinite(growth) else 0.05)}


def coverage_texts(values: np.ndarray, reasons: np.ndarray, indicator: str) -> list[str]:
    """Default hover texts of :func:`show_coverage` (English): the value (rate and growth in
    %, class label, premises) or "no data (<reason code>)".

    Parameters
    ----------
    values : ndarray
        Values of ``indicator`` (NaN = no data).
    reasons : ndarray
        No-data reason code per commune (``""`` when none).
    indicator : {"rate", "class", "premises", "growth"}
        The indicator shown.

    Returns
    -------
    list of str
        One text per commune.
    """
    def text(v: float, reason: str) -> str:
        if not np.isfinite(v):
            return f"no data ({reason})" if reason else "no data"
        if indicator == "rate":
            return f"{v:.1%}" + (" (> 100 %)" if v > 1 else "")
        if indicator == "class":
            return CLASS_LABELS[int(v)]
        if indicator == "premises":
            return f"{v:,.0f}"
        return f"{100 * v:+.2f} pts"

    return [text(v, r) for v, r in zip(values, reasons, strict=True)]


def show_coverage(coverage_map: PolygonMap, coverage: pd.DataFrame, indicator: str,
                  scale: ColorScale, *, title: str = "", value_label: str | None = None,
                  texts: Callable[[np.ndarray, np.ndarray], list[str]] | None = None
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Recolour :func:`coverage_map` with one quarter's ``indicator``.

    Parameters
    ----------
    coverage_map : PolygonMap
        From :func:`coverage_map`.
    coverage : DataFrame
        ``Indicators.coverage`` rows of one quarter (``commune_code`` as a column or as the
        index); communes of the map without a row are "no data".
    indicator : {"rate", "class", "premises", "growth"}
        See :func:`~smartidf_analysis.broadband.indicators.map_values`.
    scale : ColorScale
        The indicator's scale (:func:`coverage_scales`).
    title : str
        Map title.
    value_label : str, optional
        New hover label of the value.
    texts : callable, optional
        ``(values, reasons) -> hover texts``; default :func:`coverage_texts`.

    Returns
    -------
    (ndarray, ndarray)
        The values shown and the no-data reasons, in the map's ``codes`` order.
    """
    rows = coverage if coverage.index.name == "commune_code" else \
        coverage.drop_duplicates("commune_code").set_index("commune_code")
    values, reasons = map_values(rows.reindex(coverage_map.codes), indicator)
    shown = (texts or (lambda v, r: coverage_texts(v, r, indicator)))(values, reasons)
    coverage_map.update(values, shown, scale, title=title, value_label=value_label)
    return values, reasons
