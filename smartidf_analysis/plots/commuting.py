"""Figures of the commuting theme (no Panel).

* The map of the page and of notebook 02: :func:`commuting_map` (a
  :class:`~smartidf_analysis.plots.polygon_map.PolygonMap` with a flow-line layer, built
  once), recoloured by :func:`show_indicator`; its lines (:mod:`.flow_lines`) are one
  commune's top flows (:func:`show_flows`, the page) or the dominant flows and their
  centres (:func:`show_dominant_flows`, the notebook). Web Mercator, no tiles: offline.
* HoloViews charts: distance distribution (:func:`distance_bars`) and mode shares
  (:func:`mode_share_bars`).
"""

from __future__ import annotations

from collections.abc import Callable

import holoviews as hv
import numpy as np
import pandas as pd
from bokeh.models import ColumnDataSource, HoverTool

from .flow_lines import add_flow_layer, flow_layer_data, mercator_centroids, segment_frame
from .polygon_map import ColorScale, PolygonMap, decade_scale, named_palette

CENTRE_COLOR = "#c0392b"
SHARE_INDICATORS = ("leaving_share", "self_containment", "self_sufficiency")

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


def commuting_map(geometry: pd.DataFrame, *, workers_label: str = "workers",
                  height: int = 540) -> tuple[PolygonMap, ColumnDataSource]:
    """The commuting map: communes recoloured by :func:`show_indicator`, over them a
    flow-line layer filled by :func:`show_flows` or :func:`show_dominant_flows`.

    Parameters
    ----------
    geometry : DataFrame
        ``commune_code``, ``commune_name``, ``geometry_wkb`` (WGS84; named query
        ``communes_map``).
    workers_label : str
        Hover label of a flow's workers.
    height : int
        Height [px].

    Returns
    -------
    (PolygonMap, bokeh.models.ColumnDataSource)
        The map (values empty) and the (empty) source of its flow lines.
    """
    pmap = PolygonMap(geometry, height=height)
    return pmap, add_flow_layer(pmap.figure, workers_label=workers_label)


def _plain(value: float, digits: int) -> str:
    return f"{value:,.{digits}f}" if np.isfinite(value) else ""


def indicator_texts(values: np.ndarray, indicator: str,
                    fmt: Callable[[float, int], str] | None = None) -> list[str]:
    """Hover texts of an indicator: shares in percent, distances in km, counts whole
    (``relative_balance`` two decimals), each number written ``fmt(value, digits)``.

    Parameters
    ----------
    values : ndarray
        Values in the indicator's units (shares 0–1).
    indicator : str
        The indicator.
    fmt : callable, optional
        ``(value, digits) -> text``; default ``1,234.5`` style.

    Returns
    -------
    list of str
        One text per value.
    """
    fmt = fmt or _plain
    if indicator in SHARE_INDICATORS or indicator.startswith("share_"):
        return [f"{fmt(100 * v, 1)} %" for v in values]
    if indicator.endswith("_km"):
        return [f"{fmt(v, 1)} km" for v in values]
    return [fmt(v, 2 if indicator == "relative_balance" else 0) for v in values]


def show_indicator(commuting_map: PolygonMap, frame: pd.DataFrame | None, indicator: str, *,
                   label: str = "", title: str | None = None,
                   fmt: Callable[[float, int], str] | None = None) -> np.ndarray:
    """Recolour the communes of :func:`commuting_map` with ``frame[indicator]`` (colour
    scale of :func:`indicator_scale`, hover texts of :func:`indicator_texts`); ``frame``
    None: every commune grey (no data).

    Parameters
    ----------
    commuting_map : PolygonMap
        From :func:`commuting_map`.
    frame : DataFrame or None
        ``commune_code`` and ``indicator`` (communes without a row: no data).
    indicator : str
        The column coloured (:data:`INDICATOR_STYLE`).
    label : str
        Hover label of the value (with its unit).
    title : str, optional
        Map title; default ``label``.
    fmt : callable, optional
        ``(value, digits) -> text`` of hover texts and ticks; default ``1,234.5`` style.

    Returns
    -------
    ndarray
        The values shown, in the map's ``codes`` order.
    """
    fmt = fmt or _plain
    tick = lambda v: fmt(v, 0 if abs(v) >= 10 or v == 0 else 2)  # noqa: E731
    if frame is None:
        values = np.full(len(commuting_map.codes), np.nan)
        colours, scale = indicator_scale(pd.DataFrame({"value": values}), "value", tick)
        commuting_map.update(colours, [""] * len(values), scale, title=title or "")
        return values
    values = commuting_map.values_for(frame, indicator)
    colours, scale = indicator_scale(pd.DataFrame({indicator: values}), indicator, tick)
    commuting_map.update(colours, indicator_texts(values, indicator, fmt), scale,
                         title=label if title is None else title, value_label=label)
    return values


def show_flows(lines: ColumnDataSource, flows: pd.DataFrame, communes: pd.DataFrame,
               fmt: Callable[[float], str] | None = None) -> pd.DataFrame:
    """Fill the flow-line layer of :func:`commuting_map` with ``flows`` (red outbound, blue
    inbound, width by workers); an empty ``flows`` clears it.

    Parameters
    ----------
    lines : bokeh.models.ColumnDataSource
        The flow-line source of :func:`commuting_map`.
    flows : DataFrame
        ``home_code``, ``work_code``, ``workers`` [persons], optional ``direction``
        (``out``, ``in``; else drawn grey).
    communes : DataFrame
        ``commune_code``, ``centroid_lon``, ``centroid_lat`` [deg], ``commune_name``.
    fmt : callable, optional
        Workers -> hover text; default rounded.

    Returns
    -------
    DataFrame
        The lines drawn (:func:`~smartidf_analysis.plots.flow_lines.segment_frame`).
    """
    if flows.empty:
        flows = pd.DataFrame(columns=["home_code", "work_code", "workers"])
    segments = segment_frame(flows, communes)
    lines.data = flow_layer_data(segments, None if fmt is None else
                                 [fmt(w) for w in segments["workers"]])
    return segments


def show_dominant_flows(commuting_map: PolygonMap, lines: ColumnDataSource, selection,
                        communes: pd.DataFrame, *, max_width: float = 8.0) -> pd.DataFrame:
    """The dominant flows (a :class:`~smartidf_analysis.commuting.selections.FlowSelection`
    of ``dominant_flows``) as grey lines on :func:`commuting_map`, and its dominant centres
    as red dots sized by weight (a layer added to the map: once per map).

    Parameters
    ----------
    commuting_map : PolygonMap
        From :func:`commuting_map`.
    lines : bokeh.models.ColumnDataSource
        Its flow-line source.
    selection : FlowSelection
        Its ``flows`` (``home_code``, ``work_code``, ``workers``) and ``nodes`` (``code``,
        ``role``, ``weight``).
    communes : DataFrame
        As for :func:`~smartidf_analysis.plots.flow_lines.segment_frame`.
    max_width : float
        Width of the largest flow [px].

    Returns
    -------
    DataFrame
        The centres drawn: ``x``, ``y`` [m, EPSG:3857], ``weight``, ``size`` [px], ``code``,
        ``name``.
    """
    segments = segment_frame(selection.flows.assign(direction="flow"), communes,
                             max_width=max_width)
    lines.data = flow_layer_data(segments)
    pos = mercator_centroids(communes.drop_duplicates("commune_code"))
    centres = selection.nodes[selection.nodes["role"] == "dominant"]
    centres = pos.reindex(centres["code"][centres["code"].isin(pos.index)])
    weights = selection.nodes.set_index("code")["weight"].reindex(centres.index)
    top = float(weights.max()) if len(weights) else 1.0
    points = pd.DataFrame({"x": centres["x"].to_numpy(), "y": centres["y"].to_numpy(),
                           "weight": weights.to_numpy(dtype=float),
                           "size": 4 + 20 * np.sqrt(weights.to_numpy(dtype=float) / (top or 1.0)),
                           "code": centres.index.to_numpy(),
                           "name": [str(n) for n in centres["name"]]})
    dots = commuting_map.figure.scatter("x", "y", source=ColumnDataSource(points), size="size",
                                        color=CENTRE_COLOR, alpha=0.8, line_color="white")
    commuting_map.figure.add_tools(HoverTool(renderers=[dots], tooltips=[
        ("", "@name (@code)"), ("weight", "@weight{0,0}")]))
    return points


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


def _finite_range(values: pd.Series) -> tuple[float, float]:
    known = values.dropna()
    if known.empty:
        return (0.0, 1.0)
    lo, hi = float(known.min()), float(known.max())
    return (lo, hi) if hi > lo else (lo - 0.5, hi + 0.5)


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
