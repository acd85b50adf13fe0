"""The static map of "Mon territoire" and its report: the region's communes and departments,
the territory, and lines to its top destinations and from its top origins (SVG, no
JavaScript: the printed report shows it as the page does)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from smartidf_analysis.apps.territoire.document import esc

MAP_WIDTH, MAP_HEIGHT = 640, 440  # [px] of the SVG map
_REGION_BOUNDS = (1.44, 48.12, 3.56, 49.24)  # [deg] Île-de-France (lon0, lat0, lon1, lat1)


def _project(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    lon0, lat0, lon1, lat1 = _REGION_BOUNDS
    k = np.cos(np.radians((lat0 + lat1) / 2))
    scale = min(MAP_WIDTH / ((lon1 - lon0) * k), MAP_HEIGHT / (lat1 - lat0))
    x = (np.asarray(lon, float) - lon0) * k * scale
    y = MAP_HEIGHT - (np.asarray(lat, float) - lat0) * scale
    return x, y


def _path(geom) -> str:
    """SVG path data of a (multi)polygon, in whole pixels (repeated points dropped)."""
    parts = []
    for poly in getattr(geom, "geoms", [geom]):
        for ring in [poly.exterior, *poly.interiors]:
            x, y = _project(*np.asarray(ring.coords).T[:2])
            xy = np.column_stack([np.rint(x), np.rint(y)]).astype(int)
            keep = np.r_[True, np.any(np.diff(xy, axis=0) != 0, axis=1)]
            if keep.sum() >= 3:
                parts.append("M" + "L".join(f"{a},{b}" for a, b in xy[keep]) + "Z")
    return "".join(parts)


def level_outlines(outlines: pd.DataFrame, column: str) -> pd.Series:
    """The outline of each territory whose code is in ``column`` of ``outlines`` (communes
    with ``geometry_wkb``, WGS84): the union of its communes (EPCI, EPT, department).

    Parameters
    ----------
    outlines : pandas.DataFrame
        Communes with ``geometry_wkb`` (WKB polygons, WGS84 [deg]) and ``column``.
    column : str
        The territory code column (e.g. ``"department_code"``); communes without one are
        left out.

    Returns
    -------
    pandas.Series
        Territory code -> its shapely (multi)polygon [deg WGS84], sorted by code.
    """
    geoms = pd.Series(shapely.from_wkb([bytes(b) for b in outlines["geometry_wkb"]]),
                      index=outlines.index)
    keys = outlines[column]
    return geoms[keys.notna()].groupby(keys[keys.notna()].to_numpy()).agg(
        lambda g: shapely.union_all(g.to_numpy()))


def flows_map_svg(outlines: pd.DataFrame, members: list[str], destinations: pd.DataFrame,
                  origins: pd.DataFrame) -> str:
    """An SVG map: the region's communes (grey) and departments (outlines dissolved from the
    communes), lines to the territory's top destinations (blue) and from its top origins
    (orange), circles by workers, and the territory on top (red, dissolved from its
    communes). ``outlines``: communes with ``geometry_wkb`` (WGS84) and ``department_code``.

    Parameters
    ----------
    outlines : pandas.DataFrame
        The region's communes (``commune_code``, ``department_code``, ``geometry_wkb``). The
        grey background is drawn once and kept in ``outlines.attrs["background_path"]``.
    members : list of str
        The territory's commune codes (its outline; no lines when none is in ``outlines``).
    destinations : pandas.DataFrame
        Top destinations (:func:`~smartidf_analysis.reporting.territory.flows.top_flows`:
        ``centroid_lon``, ``centroid_lat`` [deg], ``workers`` [persons], ``commune_name``).
    origins : pandas.DataFrame
        Top origins, same columns.

    Returns
    -------
    str
        An ``<svg>`` element of ``MAP_WIDTH`` × ``MAP_HEIGHT`` [px].
    """
    geoms = shapely.from_wkb([bytes(b) for b in outlines["geometry_wkb"]])
    background = outlines.attrs.get("background_path")
    if background is None:  # drawn once per outlines frame (the report's cache keeps it)
        departments = level_outlines(outlines, "department_code")
        background = outlines.attrs["background_path"] = (
            f"<path d='{''.join(_path(shapely.simplify(g, 0.002)) for g in geoms)}' "
            "fill='#f2f2f2' stroke='#c8c8c8' stroke-width='0.3'/>"
            f"<path d='{''.join(_path(shapely.simplify(g, 0.002)) for g in departments)}' "
            "fill='none' stroke='#7a7a7a' stroke-width='0.9'/>")
    inside = outlines["commune_code"].isin(members).to_numpy()
    territory = shapely.union_all(geoms[inside]) if inside.any() else None
    home = shapely.centroid(territory) if territory is not None else None
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' class='flows-map' width='{MAP_WIDTH}' "
             f"height='{MAP_HEIGHT}' viewBox='0 0 {MAP_WIDTH} {MAP_HEIGHT}'>",
             background]
    if territory is not None:
        hx, hy = _project([home.x], [home.y])
        for frame, colour in ((destinations, "#1f6fb2"), (origins, "#f28e2b")):
            if frame.empty:
                continue
            x, y = _project(frame["centroid_lon"], frame["centroid_lat"])
            size = 2 + 10 * np.sqrt(frame["workers"] / frame["workers"].max())
            for xi, yi, r, name in zip(x, y, size, frame["commune_name"], strict=True):
                if np.isfinite(xi):
                    parts.append(f"<line x1='{hx[0]:.1f}' y1='{hy[0]:.1f}' x2='{xi:.1f}' "
                                 f"y2='{yi:.1f}' stroke='{colour}' stroke-width='1.2' "
                                 "stroke-opacity='0.7'/>"
                                 f"<circle cx='{xi:.1f}' cy='{yi:.1f}' r='{r:.1f}' fill='{colour}' "
                                 f"fill-opacity='0.6'><title>{esc(name)}</title></circle>")
        parts.append(f"<path d='{_path(territory)}' fill='#e4572e' fill-opacity='0.7' "
                     "stroke='#a4161a' stroke-width='1.2'/>")
    parts.append("</svg>")
    return "".join(parts)
