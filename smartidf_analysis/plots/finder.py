"""The "Mon télécentre" map (Bokeh, no Panel): light commune outlines drawn once, the home
and work communes as squares, the nearest existing sites (blue) and proposed sites (red) as
circles; the point layers are refilled in place (:func:`finder_layer_data`,
:func:`places_layer_data`)."""

from __future__ import annotations

import pandas as pd
from pyproj import Transformer

EXISTING_COLOR = "#1f77b4"
PROPOSED_COLOR = "#d62728"
PLACE_COLOR = "#333333"
_TO_MERCATOR = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)


def finder_map(communes: pd.DataFrame, *, site_label: str = "site",
               distance_label: str = "km", height: int = 520):
    """``(map, sites source, places source)``: outlines of ``communes`` (``commune_code,
    commune_name, geometry_wkb``) and two empty point layers with hover.

    Parameters
    ----------
    communes : DataFrame
        ``commune_code``, ``commune_name``, ``geometry_wkb`` (WGS84).
    site_label, distance_label : str
        Hover labels of the site and of its distance.
    height : int
        Height [px].

    Returns
    -------
    (PolygonMap, bokeh.models.ColumnDataSource, bokeh.models.ColumnDataSource)
        The outline map, the sites source (fill with :func:`finder_layer_data`) and the
        places source (:func:`places_layer_data`).
    """
    from bokeh.models import ColumnDataSource, HoverTool

    from .polygon_map import outline_map

    outlines = outline_map(communes, height=height)
    sites = ColumnDataSource(finder_layer_data(pd.DataFrame()))
    places = ColumnDataSource(places_layer_data([]))
    fig = outlines.figure
    fig.scatter("x", "y", source=places, size=14, marker="square", color=PLACE_COLOR,
                alpha=0.8)
    dots = fig.scatter("x", "y", source=sites, size=13, color="color", alpha=0.8,
                       line_color="white", line_width=0.8)
    fig.add_tools(HoverTool(renderers=[dots], tooltips=[(site_label, "@name (@kind)"),
                                                        (distance_label, "@display")]))
    return outlines, sites, places


def _mercator(lon, lat):
    return _TO_MERCATOR.transform(pd.Series(lon, dtype=float).to_numpy(),
                                  pd.Series(lat, dtype=float).to_numpy())


def finder_layer_data(sites: pd.DataFrame, kind_labels: dict[str, str] | None = None,
                      display: list[str] | None = None) -> dict:
    """Columns of the sites source from a finder answer's ``sites`` table.

    Parameters
    ----------
    sites : DataFrame
        ``lon``, ``lat`` [deg], ``kind`` ("existing" or "proposed"), ``station_name``,
        ``distance_km`` [km].
    kind_labels : dict of str to str, optional
        Kind -> hover label.
    display : list of str, optional
        Distance as text per site; default ``distance_km`` with one decimal.

    Returns
    -------
    dict
        ``x``, ``y`` [m, EPSG:3857], ``color``, ``name``, ``kind``, ``display``.
    """
    if sites.empty:
        return {"x": [], "y": [], "color": [], "name": [], "kind": [], "display": []}
    x, y = _mercator(sites["lon"], sites["lat"])
    labels = kind_labels or {}
    return {"x": list(x), "y": list(y),
            "color": [EXISTING_COLOR if k == "existing" else PROPOSED_COLOR
                      for k in sites["kind"]],
            "name": [str(v) for v in sites["station_name"]],
            "kind": [labels.get(k, k) for k in sites["kind"]],
            "display": display or [f"{d:.1f}" for d in sites["distance_km"]]}


def places_layer_data(points: list[tuple[float, float]]) -> dict:
    """Columns of the places source from (lon, lat) pairs (home, work).

    Parameters
    ----------
    points : list of (float, float)
        (lon, lat) [deg] pairs.

    Returns
    -------
    dict
        ``x``, ``y`` [m, EPSG:3857].
    """
    if not points:
        return {"x": [], "y": []}
    x, y = _mercator([p[0] for p in points], [p[1] for p in points])
    return {"x": list(x), "y": list(y)}
