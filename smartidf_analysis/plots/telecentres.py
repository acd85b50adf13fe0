"""Figures of the telecentre analysis (no Panel).

* Maps (Bokeh, Web Mercator, no tiles: offline): the chosen sites sized by the demand they
  serve, over light commune outlines (:func:`site_map`, refilled by :func:`show_sites`; the
  page and notebook 03), and the demand per commune (:func:`demand_map`, notebook 03).
* HoloViews charts: the weekday validation signal (:func:`weekday_profile`,
  :func:`signal_scatter`) and coverage curves (:func:`coverage_curve`).
"""

from __future__ import annotations

from collections.abc import Callable

import holoviews as hv
import holoviews.plotting.bokeh  # noqa: F401 - registers the Bokeh backend for .opts()
import numpy as np
import pandas as pd
from bokeh.models import ColumnDataSource, HoverTool
from pyproj import Transformer

from .polygon_map import PolygonMap, named_palette, outline_map

_TO_MERCATOR = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
SITE_COLOR = "#d62728"
SITE_COLUMNS = ["x", "y", "daily_users", "size", "station_name", "lines", "seats",
                "communes_served", "site_id"]


def site_points_frame(sites: pd.DataFrame, max_size: float = 28.0) -> pd.DataFrame:
    """Chosen sites as Web Mercator points with a marker ``size`` ∝ √(daily users served)
    (area proportional to the demand).

    Parameters
    ----------
    sites : DataFrame
        ``ScenarioResult.sites``: ``lon``, ``lat`` [deg], ``daily_users`` [persons/day],
        ``station_name``, ``lines``, ``seats``, ``communes_served``, ``site_id``.
    max_size : float
        Marker size of the largest site [px] (the smallest: 4 px).

    Returns
    -------
    DataFrame
        :data:`SITE_COLUMNS`: ``x``, ``y`` [m, EPSG:3857], ``daily_users``, ``size`` [px], ...
    """
    if sites.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c in ("x", "y", "daily_users",
                                                                      "size", "seats") else "object")
                             for c in SITE_COLUMNS})
    x, y = _TO_MERCATOR.transform(sites["lon"].to_numpy(float), sites["lat"].to_numpy(float))
    users = sites["daily_users"].to_numpy(float)
    top = np.sqrt(users.max()) if users.max() > 0 else 1.0
    size = 4.0 + (max_size - 4.0) * np.sqrt(np.clip(users, 0, None)) / top
    return pd.DataFrame({"x": x, "y": y, "daily_users": users, "size": size,
                         "station_name": sites["station_name"].to_numpy(),
                         "lines": sites["lines"].to_numpy(), "seats": sites["seats"].to_numpy(),
                         "communes_served": sites["communes_served"].to_numpy(),
                         "site_id": sites["site_id"].to_numpy()})


def site_map(frame: pd.DataFrame, *, users_label: str = "daily users",
             name_label: str = "station", height: int = 560):
    """The map of the chosen sites: light commune outlines drawn once
    (:func:`~smartidf_analysis.plots.polygon_map.outline_map`) and a circle layer of sites;
    returns ``(map, site source)``, to refill with :func:`show_sites`.

    Parameters
    ----------
    frame : DataFrame
        ``commune_code``, ``commune_name``, ``geometry_wkb`` (WGS84).
    users_label, name_label : str
        Hover labels of the daily users and of the station.
    height : int
        Height [px].

    Returns
    -------
    (PolygonMap, bokeh.models.ColumnDataSource)
        The outline map and the (empty) site source.
    """
    outlines = outline_map(frame, height=height)
    source = ColumnDataSource(site_layer_data(site_points_frame(pd.DataFrame())))
    sites = outlines.figure.scatter("x", "y", source=source, size="size", color=SITE_COLOR,
                                    alpha=0.65, line_color="white", line_width=0.6)
    outlines.figure.add_tools(HoverTool(renderers=[sites], tooltips=[
        (name_label, "@station_name (@lines)"), (users_label, "@display")]))
    return outlines, source


def site_layer_data(points: pd.DataFrame, display: list[str] | None = None) -> dict:
    """Columns of :func:`site_map`'s site source from :func:`site_points_frame`;
    ``display`` is the daily users as text (default: rounded).

    Parameters
    ----------
    points : DataFrame
        :func:`site_points_frame`.
    display : list of str, optional
        Daily users as text, one per site.

    Returns
    -------
    dict
        ``x``, ``y`` [m, EPSG:3857], ``size`` [px], ``station_name``, ``lines``, ``display``.
    """
    users = points["daily_users"].to_numpy(dtype=float)
    return {"x": points["x"].to_numpy(dtype=float), "y": points["y"].to_numpy(dtype=float),
            "size": points["size"].to_numpy(dtype=float),
            "station_name": [str(v) for v in points["station_name"]],
            "lines": [str(v) for v in points["lines"]],
            "display": display if display is not None else [f"{u:,.0f}" for u in users]}


def show_sites(source: ColumnDataSource, sites: pd.DataFrame,
               fmt: Callable[[float], str] | None = None) -> pd.DataFrame:
    """Refill the site layer of :func:`site_map` with a scenario's chosen sites (none: an
    empty layer).

    Parameters
    ----------
    source : bokeh.models.ColumnDataSource
        The site source of :func:`site_map`.
    sites : DataFrame
        ``ScenarioResult.sites`` (see :func:`site_points_frame`); may be empty.
    fmt : callable, optional
        Daily users -> hover text; default rounded.

    Returns
    -------
    DataFrame
        The points drawn (:func:`site_points_frame`).
    """
    points = site_points_frame(sites)
    source.data = site_layer_data(points, None if fmt is None else
                                  [fmt(u) for u in points["daily_users"]])
    return points


def demand_map(frame: pd.DataFrame, value: str = "daily_users", *, label: str | None = None,
               title: str = "", height: int = 520) -> PolygonMap:
    """Commune map of a demand column, yellow to red; communes without a value are grey
    ("no data"), never zero.

    Parameters
    ----------
    frame : DataFrame
        ``commune_code``, ``commune_name``, ``geometry_wkb`` (the communes map) merged with
        :func:`~smartidf_analysis.telecentres.demand.demand_by_commune` (``value``).
    value : str
        Column coloured (e.g. ``daily_users`` [persons/day]).
    label : str, optional
        Hover label (with the unit); default the column name.
    title : str
        Title.
    height : int
        Height [px].

    Returns
    -------
    PolygonMap
        The map, coloured.
    """
    demand = PolygonMap(frame, height=height, value_label=label or value)
    demand.show_linear(demand.values_for(frame, value), named_palette("YlOrRd"), title=title)
    return demand


def weekday_profile(daily: pd.DataFrame, labels: dict[int, str] | None = None,
                    title: str = "") -> hv.Bars:
    """Mean validations per weekday (ordinary weeks), as an index (Monday–Friday mean = 100).

    Parameters
    ----------
    daily : DataFrame
        ``day`` (datetime) and ``validations``, already restricted to ordinary weekdays
        (:func:`~smartidf_analysis.telecentres.signal.ordinary_days`).
    labels : dict of int to str, optional
        Weekday number (0 = Monday) -> label.
    title : str
        Title.

    Returns
    -------
    holoviews.Bars
        Index per weekday [Monday-Friday mean = 100].
    """
    labels = labels or {0: "Mon", 1: "Tue", 2: "Wed", 3: "Thu", 4: "Fri"}
    per_day = daily.groupby("day")["validations"].sum()
    dow = per_day.index.day_of_week
    means = per_day.groupby(dow).mean().reindex(range(5))
    index = 100 * means / means.mean()
    frame = pd.DataFrame({"weekday": [labels[d] for d in range(5)], "index": index.to_numpy()})
    return hv.Bars(frame, "weekday", "index").opts(
        title=title, color="#1f5c99", ylim=(80, max(120, float(index.max()) + 5)),
        tools=["hover"], responsive=True, min_height=300)


def signal_scatter(frame: pd.DataFrame, x: str = "users_per_1000_workers",
                   y: str = "midweek_ratio", *, xlabel: str = "", ylabel: str = "",
                   title: str = "") -> hv.Scatter:
    """Communes: modelled demand (x) against the observed mid-week ratio (y).

    Parameters
    ----------
    frame : DataFrame
        ``commune_code``, ``x`` and ``y`` (e.g.
        :func:`~smartidf_analysis.telecentres.signal.commune_signal` merged with the demand).
    x, y : str
        Columns on the axes.
    xlabel, ylabel, title : str
        Axis labels (default the column names) and title.

    Returns
    -------
    holoviews.Scatter
        One point per commune with both values.
    """
    data = frame[[x, y, "commune_code"]].dropna()
    return hv.Scatter(data, hv.Dimension(x, label=xlabel or x),
                      [hv.Dimension(y, label=ylabel or y), "commune_code"]).opts(
        size=5, alpha=0.6, color="#1f5c99", tools=["hover"], responsive=True, min_height=320,
        title=title)


def coverage_curve(table: pd.DataFrame, *, xlabel: str = "sites (p)",
                   ylabel: str = "demand served (%)", title: str = "") -> hv.Overlay:
    """Demand served against p, one curve per ``method`` (columns ``p, method,
    demand_served_pct``).

    Parameters
    ----------
    table : DataFrame
        :func:`~smartidf_analysis.telecentres.scenarios.coverage_curve`.
    xlabel, ylabel, title : str
        Axis labels and title.

    Returns
    -------
    holoviews.Overlay
        Demand served [%] against the number of sites.
    """
    curves = [hv.Curve(part, hv.Dimension("p", label=xlabel),
                       hv.Dimension("demand_served_pct", label=ylabel), label=str(method))
              .opts(tools=["hover"])
              for method, part in table.groupby("method", sort=True)]
    return hv.Overlay(curves).opts(title=title, responsive=True, min_height=320,
                                   legend_position="bottom_right")
