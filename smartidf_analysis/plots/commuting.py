"""Figures of the commuting theme (no Panel): indicator choropleth, flow lines,
dominant-flow map, distance distribution and mode shares (HoloViews), and the served page's
in-place Bokeh map (:func:`indicator_scale` + :func:`add_flow_layer` on a
:class:`~smartidf_analysis.plots.polygon_map.PolygonMap`). Maps are in Web Mercator and need
no tiles (offline), like :func:`smartidf_analysis.plots.maps.choropleth`.
"""

from __future__ import annotations

from collections.abc import Callable

import holoviews as hv
import numpy as np
import pandas as pd
from bokeh.models import ColumnDataSource, HoverTool
from holoviews.util.transform import lon_lat_to_easting_northing

from .maps import choropleth
from .polygon_map import ColorScale, decade_scale, named_palette

OUT_COLOR, IN_COLOR = "#c0392b", "#1f78b4"
SEGMENT_VDIMS = ["workers", "width", "direction", "home_code", "home_name", "work_code",
                 "work_name"]

# indicator -> (colormap, colour limits or None, logarithmic colour scale)
INDICATOR_STYLE: dict[str, tuple[str, tuple[float, float] | None, bool]] = {
    "resident_workers": ("viridis", None, True),
    "jobs": ("viridis", None, True),
    "balance": ("RdBu_r", None, False),
    "relative_balance": ("RdBu_r", (-1.0, 1.0), False),
    "self_containment": ("YlGnBu", (0.0, 1.0), False),
    "self_sufficiency": ("YlGnBu", (0.0, 1.0), False),
    "leaving_share": ("YlOrRd", (0.0, 1.0), False),
    "mean_distance_residents_km": ("magma_r", None, False),
    "median_distance_residents_km": ("magma_r", None, False),
    "mean_distance_workers_km": ("magma_r", None, False),
    "median_distance_workers_km": ("magma_r", None, False),
}


def indicator_style(frame: pd.DataFrame, indicator: str
                    ) -> tuple[np.ndarray, tuple[float, float], str, bool]:
    """Values to colour (NaN = no data), colour limits, colormap and log flag of one
    indicator column of ``frame`` (log scales show zero or negative values as no data).

    Parameters
    ----------
    frame : DataFrame
        One row per commune with the ``indicator`` column.
    indicator : str
        An indicator of :data:`INDICATOR_STYLE` (others: viridis, 0-1).

    Returns
    -------
    (ndarray, (float, float), str, bool)
        Values (in the indicator's units), colour limits, colormap name, log flag.
    """
    cmap, clim, logz = INDICATOR_STYLE.get(indicator, ("viridis", (0.0, 1.0), False))
    values = frame[indicator].to_numpy(dtype=float)
    if logz and not (values > 0).any():
        logz = False
    if logz:
        values = np.where(values > 0, values, np.nan)
    if indicator == "balance":
        bound = float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 1.0
        clim = (-bound, bound)
    return values, clim or _finite_range(pd.Series(values)), cmap, logz


def indicator_map(frame: pd.DataFrame, indicator: str, *, label: str, title: str = "",
                  height: int = 520, hooks: list | None = None) -> hv.Polygons:
    """Choropleth of one commune indicator; ``frame`` has ``geometry_wkb``, ``commune_code``,
    ``commune_name`` and the indicator (NaN = grey "no data"). The coloured column is called
    ``value`` (labelled ``label``), so that a page can later patch only the values.

    Parameters
    ----------
    frame : DataFrame
        ``geometry_wkb``, ``commune_code``, ``commune_name`` and ``indicator``.
    indicator : str
        The column coloured (see :func:`indicator_style`).
    label : str
        Legend label (with the unit).
    title : str
        Title.
    height : int
        Minimum height [px].
    hooks : list, optional
        HoloViews plot hooks.

    Returns
    -------
    holoviews.Polygons
        The choropleth, its ranges declared.
    """
    values, clim, cmap, logz = indicator_style(frame, indicator)
    frame = frame[["commune_code", "commune_name", "geometry_wkb"]].assign(value=values)
    polys = choropleth(frame, "value", label=label, cmap=cmap, clim=clim, logz=logz,
                       title=title, tolerance=0.0003, height=height)
    if hooks:
        polys = polys.opts(hooks=hooks)
    return _freeze_ranges(polys, clim)


def indicator_scale(frame: pd.DataFrame, indicator: str, label: Callable[[float], str]
                    ) -> tuple[np.ndarray, ColorScale]:
    """Values to colour and the colour scale of one indicator for a
    :class:`~smartidf_analysis.plots.polygon_map.PolygonMap`: the colormap, limits and log
    flag of :data:`INDICATOR_STYLE` (log scales: decades, ticks labelled ``label(v)``;
    shares 0–1: ticks in percent).

    Parameters
    ----------
    frame : DataFrame
        One row per map polygon, with the ``indicator`` column.
    indicator : str
        The column coloured.
    label : callable
        Number -> text, for tick labels.

    Returns
    -------
    (ndarray, ColorScale)
        Values (in the indicator's units) and the scale.
    """
    values, clim, cmap, logz = indicator_style(frame, indicator)
    palette = named_palette(cmap)
    if logz:
        return decade_scale(values, palette, label)
    ticks = {}
    if clim == (0.0, 1.0):
        ticks = {t: f"{label(100 * t)} %" for t in (0.0, 0.25, 0.5, 0.75, 1.0)}
    return values, ColorScale(palette, clim[0], clim[1], ticks=ticks)


def add_flow_layer(fig, *, workers_label: str = "workers") -> ColumnDataSource:
    """Flow lines drawn over a Bokeh map ``fig``: a segment glyph fed by the returned data
    source (fill it with :func:`flow_layer_data`); width by workers, red outbound, blue
    inbound, hover names and workers.

    Parameters
    ----------
    fig : bokeh.plotting.figure
        The map figure (Web Mercator).
    workers_label : str
        Hover label of the workers.

    Returns
    -------
    bokeh.models.ColumnDataSource
        The (empty) source of the segments.
    """
    source = ColumnDataSource(flow_layer_data(segment_frame(
        pd.DataFrame(columns=["home_code", "work_code", "workers"]), pd.DataFrame(
            columns=["commune_code", "centroid_lon", "centroid_lat"]))))
    renderer = fig.segment("x0", "y0", "x1", "y1", source=source, line_width="width",
                           line_color="color", line_alpha=0.85)
    fig.add_tools(HoverTool(renderers=[renderer], tooltips=[
        ("", "@home_name → @work_name"), (workers_label, "@display")]))
    return source


def flow_layer_data(segments: pd.DataFrame, display: list[str] | None = None) -> dict:
    """Columns for :func:`add_flow_layer` from :func:`segment_frame`; ``display`` is the
    workers as text (default: rounded).

    Parameters
    ----------
    segments : DataFrame
        :func:`segment_frame`.
    display : list of str, optional
        Workers as text, one per segment.

    Returns
    -------
    dict
        ``x0``, ``y0``, ``x1``, ``y1`` [m, EPSG:3857], ``width`` [px], ``color``,
        ``home_name``, ``work_name``, ``display``.
    """
    colors = {"out": OUT_COLOR, "in": IN_COLOR}
    workers = segments["workers"].to_numpy(dtype=float)
    return {
        "x0": segments["x0"].to_numpy(dtype=float), "y0": segments["y0"].to_numpy(dtype=float),
        "x1": segments["x1"].to_numpy(dtype=float), "y1": segments["y1"].to_numpy(dtype=float),
        "width": segments["width"].to_numpy(dtype=float),
        "color": [colors.get(d, OUT_COLOR) for d in segments["direction"]],
        "home_name": [str(v) for v in segments["home_name"]],
        "work_name": [str(v) for v in segments["work_name"]],
        "display": display if display is not None else [f"{w:,.0f}" for w in workers]}


def _finite_range(values: pd.Series) -> tuple[float, float]:
    known = values.dropna()
    if known.empty:
        return (0.0, 1.0)
    lo, hi = float(known.min()), float(known.max())
    return (lo, hi) if hi > lo else (lo - 0.5, hi + 0.5)


def _freeze_ranges(polys: hv.Polygons, clim: tuple[float, float]) -> hv.Polygons:
    """Declare the polygons' ranges and categorical values up front, so that HoloViews does
    not rescan 1,300 geometries whenever an overlaid element (the flow lines) updates."""
    ranges = {"x": polys.range("x"), "y": polys.range("y"), "value": clim}
    values = {d.name: [str(v) for v in polys.dimension_values(d, expanded=False)]
              for d in polys.vdims[1:]}
    return polys.redim.range(**ranges).redim.values(**values)


def _mercator(communes: pd.DataFrame) -> pd.DataFrame:
    x, y = lon_lat_to_easting_northing(communes["centroid_lon"].to_numpy(dtype=float),
                                       communes["centroid_lat"].to_numpy(dtype=float))
    names = communes.get("commune_name", communes["commune_code"])
    return pd.DataFrame({"x": x, "y": y, "name": names.to_numpy()},
                        index=communes["commune_code"].to_numpy())


def segment_frame(flows: pd.DataFrame, communes: pd.DataFrame, max_width: float = 10.0,
                  direction: str | None = None) -> pd.DataFrame:
    """Line coordinates (Web Mercator) for flows between distinct communes with known
    centroids: ``x0, y0, x1, y1`` plus :data:`SEGMENT_VDIMS` (``width`` [px] ∝ workers).

    Parameters
    ----------
    flows : DataFrame
        ``home_code``, ``work_code``, ``workers`` [persons], optional ``direction``.
    communes : DataFrame
        ``commune_code``, ``centroid_lon``, ``centroid_lat`` [deg], optional
        ``commune_name``.
    max_width : float
        Width of the largest flow [px] (the smallest: 1 px).
    direction : str, optional
        ``direction`` of every row when ``flows`` has none (default "flow").

    Returns
    -------
    DataFrame
        ``x0``, ``y0``, ``x1``, ``y1`` [m, EPSG:3857], ``workers`` [persons], ``width`` [px],
        ``direction``, ``home_code``, ``home_name``, ``work_code``, ``work_name``.
    """
    pos = _mercator(communes.drop_duplicates("commune_code"))
    f = flows[(flows["home_code"] != flows["work_code"])
              & flows["home_code"].isin(pos.index) & flows["work_code"].isin(pos.index)]
    home, work = pos.reindex(f["home_code"].to_numpy()), pos.reindex(f["work_code"].to_numpy())
    top = float(f["workers"].max()) if len(f) else 1.0
    return pd.DataFrame({
        "x0": home["x"].to_numpy(), "y0": home["y"].to_numpy(),
        "x1": work["x"].to_numpy(), "y1": work["y"].to_numpy(),
        "workers": f["workers"].to_numpy(dtype=float),
        "width": 1.0 + (max_width - 1.0) * f["workers"].to_numpy(dtype=float) / (top or 1.0),
        "direction": f["direction"].to_numpy() if "direction" in f else (direction or "flow"),
        "home_code": f["home_code"].to_numpy(), "home_name": home["name"].to_numpy(),
        "work_code": f["work_code"].to_numpy(), "work_name": work["name"].to_numpy(),
    })


def flow_lines(segments: pd.DataFrame, *, workers_label: str = "workers") -> hv.Segments:
    """Flow lines from :func:`segment_frame`: width by workers, red outbound, blue inbound.

    Parameters
    ----------
    segments : DataFrame
        :func:`segment_frame`.
    workers_label : str
        Hover label of the workers.

    Returns
    -------
    holoviews.Segments
        The lines.
    """
    vdims = [hv.Dimension("workers", label=workers_label), *SEGMENT_VDIMS[1:]]
    return hv.Segments(segments, kdims=["x0", "y0", "x1", "y1"], vdims=vdims).opts(
        color="direction", cmap={"out": OUT_COLOR, "in": IN_COLOR, "flow": OUT_COLOR},
        line_width="width", alpha=0.85, tools=["hover"], show_legend=False)


def dominant_flow_map(selection, communes: pd.DataFrame, *, title: str = "",
                      height: int = 600) -> hv.Overlay:
    """Dominant flows (a :class:`~smartidf_analysis.commuting.selections.FlowSelection` from
    ``dominant_flows``) as lines over points for the dominant centres sized by weight.

    Parameters
    ----------
    selection : FlowSelection
        Its ``flows`` and ``nodes`` (``code``, ``role``, ``weight``).
    communes : DataFrame
        As for :func:`segment_frame`.
    title : str
        Title.
    height : int
        Minimum height [px].

    Returns
    -------
    holoviews.Overlay
        Lines and points.
    """
    seg = segment_frame(selection.flows.assign(direction="flow"), communes, max_width=8.0)
    pos = _mercator(communes.drop_duplicates("commune_code"))
    centres = selection.nodes[selection.nodes["role"] == "dominant"]
    centres = centres[centres["code"].isin(pos.index)]
    pts = pd.DataFrame({"x": pos.reindex(centres["code"])["x"].to_numpy(),
                        "y": pos.reindex(centres["code"])["y"].to_numpy(),
                        "weight": centres["weight"].to_numpy(dtype=float),
                        "code": centres["code"].to_numpy(),
                        "name": pos.reindex(centres["code"])["name"].to_numpy()})
    top = pts["weight"].max() if len(pts) else 1.0
    pts["size"] = 4 + 20 * np.sqrt(pts["weight"] / top)
    lines = flow_lines(seg).opts(color="#555555", alpha=0.7)
    points = hv.Points(pts, ["x", "y"], ["weight", "size", "code", "name"]).opts(
        size="size", color="#c0392b", alpha=0.8, tools=["hover"], line_color="white")
    return (lines * points).opts(
        title=title, xaxis=None, yaxis=None, data_aspect=1, responsive=True,
        min_height=height)


def distance_bars(distribution: pd.DataFrame, *, xlabel: str = "crow-fly distance [km]",
                  ylabel: str = "share of workers [%]", title: str = "") -> hv.Bars:
    """Bar chart of a :func:`~smartidf_analysis.commuting.indicators.distance_distribution` table.

    Parameters
    ----------
    distribution : DataFrame
        ``from_km``, ``to_km`` [km] and ``share`` [0-1] per distance class.
    xlabel, ylabel, title : str
        Axis labels and title.

    Returns
    -------
    holoviews.Bars
        Share of workers per class [%].
    """
    labels = [f"{a:g}–{b:g}" for a, b in zip(distribution["from_km"], distribution["to_km"],
                                              strict=True)]
    data = pd.DataFrame({"class": labels, "share": 100 * distribution["share"].to_numpy()})
    return hv.Bars(data, hv.Dimension("class", label=xlabel),
                   hv.Dimension("share", label=ylabel)).opts(
        title=title, color="#1f5c99", tools=["hover"], responsive=True, min_height=320)


def mode_share_bars(shares: pd.DataFrame, mode_labels: dict[str, str], *, title: str = "",
                    ylabel: str = "share of workers [%]") -> hv.Bars:
    """Stacked bars of mode shares per unit (a :func:`~smartidf_analysis.commuting.indicators.mode_shares`
    table); ``mode_labels`` maps ``share_<mode>`` columns to legend labels.

    Parameters
    ----------
    shares : DataFrame
        ``unit_code``, ``unit_name`` and ``share_<mode>`` columns [0-1].
    mode_labels : dict of str to str
        ``share_<mode>`` column -> legend label (the columns drawn).
    title, ylabel : str
        Title and y-axis label.

    Returns
    -------
    holoviews.Bars
        Stacked shares [%].
    """
    long = shares.melt(id_vars=["unit_code", "unit_name"], value_vars=list(mode_labels),
                       var_name="mode", value_name="share")
    long["mode"] = long["mode"].map(mode_labels)
    long["share"] = 100 * long["share"]
    return hv.Bars(long, ["unit_name", "mode"], hv.Dimension("share", label=ylabel)).opts(
        stacked=True, title=title, tools=["hover"], responsive=True, min_height=360,
        xrotation=45, legend_position="right", cmap="Category10")
