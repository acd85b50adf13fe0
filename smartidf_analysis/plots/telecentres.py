"""HoloViews builders for the telecentre analysis (no Panel): demand choropleth, chosen
sites sized by the demand they serve, the weekday validation signal, coverage curves.

Points are projected to Web Mercator here, like the commune polygons of :mod:`.maps`, so
maps work offline without tiles.
"""

from __future__ import annotations

import holoviews as hv
import holoviews.plotting.bokeh  # noqa: F401 - registers the Bokeh backend for .opts()
import numpy as np
import pandas as pd
from pyproj import Transformer

from .maps import choropleth

_TO_MERCATOR = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
SITE_COLOR = "#d62728"
SITE_COLUMNS = ["x", "y", "daily_users", "size", "station_name", "lines", "seats",
                "communes_served", "site_id"]


def demand_map(frame: pd.DataFrame, value: str = "daily_users", *, label: str | None = None,
               title: str = "", height: int = 520) -> hv.Polygons:
    """Commune choropleth of a demand column; ``frame`` has ``geometry_wkb`` (communes map)
    merged with :func:`~smartidf_analysis.telecentres.demand.demand_by_commune`. Communes without
    a value are grey ("no data"), never zero.

    Parameters
    ----------
    frame : DataFrame
        ``commune_code``, ``commune_name``, ``geometry_wkb`` and ``value``.
    value : str
        Column coloured (e.g. ``daily_users`` [persons/day]).
    label : str, optional
        Colour bar label (with the unit); default the column name.
    title : str
        Title.
    height : int
        Minimum height [px].

    Returns
    -------
    holoviews.Polygons
        The choropleth.
    """
    return choropleth(frame, value, label=label or value, cmap="YlOrRd", title=title,
                      tolerance=0.0003, height=height)


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


def site_points(points: pd.DataFrame, *, users_label: str = "daily users",
                name_label: str = "station") -> hv.Points:
    """Sites from :func:`site_points_frame` as red circles sized by demand served.

    Parameters
    ----------
    points : DataFrame
        :func:`site_points_frame`.
    users_label, name_label : str
        Hover labels of the daily users and of the station.

    Returns
    -------
    holoviews.Points
        The sites.
    """
    vdims = [hv.Dimension("daily_users", label=users_label), "size",
             hv.Dimension("station_name", label=name_label), "lines", "seats", "communes_served"]
    return hv.Points(points, kdims=["x", "y"], vdims=vdims).opts(
        size="size", color=SITE_COLOR, alpha=0.65, line_color="white", line_width=0.6,
        tools=["hover"], responsive=True, xaxis=None, yaxis=None)


def site_map(frame: pd.DataFrame, *, users_label: str = "daily users",
             name_label: str = "station", height: int = 560):
    """The served page's map: light commune outlines drawn once (a
    :class:`~smartidf_analysis.plots.polygon_map.PolygonMap` with no values) and a circle
    layer of sites; returns ``(map, site source)``, to refill with :func:`site_layer_data`.

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
    from bokeh.models import ColumnDataSource, HoverTool

    from .polygon_map import PolygonMap

    outlines = PolygonMap(frame, height=height, tolerance=0.0005, line_color="#bdbdbd")
    outlines.mapper.nan_color = "#f2f2f2"
    outlines.colorbar.visible = False
    outlines.hover.renderers = []  # the sites carry the hover
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


def outline_map(frame: pd.DataFrame, height: int = 560) -> hv.Polygons:
    """Light commune outlines (a static base map under the sites).

    Parameters
    ----------
    frame : DataFrame
        ``commune_code``, ``commune_name``, ``geometry_wkb`` (WGS84).
    height : int
        Minimum height [px].

    Returns
    -------
    holoviews.Polygons
        The outlines.
    """
    base = frame.assign(no_value=np.nan)
    return choropleth(base, "no_value", label=" ", tolerance=0.0005, height=height,
                      missing_color="#f2f2f2").opts(colorbar=False, line_color="#bdbdbd",
                                                    tools=["hover"])


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
