"""Flow lines over a Bokeh map (no Panel): commuting flows between commune centroids as
segments, width by workers, red outbound, blue inbound, grey without a direction
(:func:`add_flow_layer`, filled with :func:`flow_layer_data` of :func:`segment_frame`). Web
Mercator, like the :class:`~smartidf_analysis.plots.polygon_map.PolygonMap` they are drawn on.
"""

from __future__ import annotations

import pandas as pd
from bokeh.models import ColumnDataSource, HoverTool
from holoviews.util.transform import lon_lat_to_easting_northing

OUT_COLOR, IN_COLOR = "#c0392b", "#1f78b4"
FLOW_COLOR = "#555555"  # flows without a direction (the dominant flows)


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
    colors = {"out": OUT_COLOR, "in": IN_COLOR, "flow": FLOW_COLOR}
    workers = segments["workers"].to_numpy(dtype=float)
    return {
        "x0": segments["x0"].to_numpy(dtype=float), "y0": segments["y0"].to_numpy(dtype=float),
        "x1": segments["x1"].to_numpy(dtype=float), "y1": segments["y1"].to_numpy(dtype=float),
        "width": segments["width"].to_numpy(dtype=float),
        "color": [colors.get(d, OUT_COLOR) for d in segments["direction"]],
        "home_name": [str(v) for v in segments["home_name"]],
        "work_name": [str(v) for v in segments["work_name"]],
        "display": display if display is not None else [f"{w:,.0f}" for w in workers]}


def mercator_centroids(communes: pd.DataFrame) -> pd.DataFrame:
    """Commune centroids in Web Mercator, indexed by commune code.

    Parameters
    ----------
    communes : DataFrame
        ``commune_code``, ``centroid_lon``, ``centroid_lat`` [deg], optional
        ``commune_name``.

    Returns
    -------
    DataFrame
        ``x``, ``y`` [m, EPSG:3857] and ``name`` (the code when there is no name).
    """
    x, y = lon_lat_to_easting_northing(communes["centroid_lon"].to_numpy(dtype=float),
                                       communes["centroid_lat"].to_numpy(dtype=float))
    names = communes.get("commune_name", communes["commune_code"])
    return pd.DataFrame({"x": x, "y": y, "name": names.to_numpy()},
                        index=communes["commune_code"].to_numpy())


def segment_frame(flows: pd.DataFrame, communes: pd.DataFrame, max_width: float = 10.0,
                  direction: str | None = None) -> pd.DataFrame:
    """Line coordinates (Web Mercator) for flows between distinct communes with known
    centroids: ``x0, y0, x1, y1``, the workers, a ``width`` [px] ∝ workers, the direction and
    both communes.

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
    pos = mercator_centroids(communes.drop_duplicates("commune_code"))
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
